export { startNovaGateway, type NovaGateway } from './nova-ws.js';
export { startTermproxyGateway, TermproxyParser, type TermproxyGateway } from './termproxy-ws.js';
export { startLishGateway, type LishGateway } from './lish-ssh.js';
export { unixSocketBackend, type ConsoleBackend } from './backend.js';
