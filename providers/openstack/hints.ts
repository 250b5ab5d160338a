/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const openstackHintsEn = {
  'providers.hint.openstack-serial':
    'the cloud has no serial console (nova [serial_console] enabled=false) or the server was booted without it',
} as const;

export const openstackHintsJa: Record<keyof typeof openstackHintsEn, string> = {
  'providers.hint.openstack-serial':
    'このクラウドにはシリアルコンソールがないか（nova の [serial_console] enabled=false）、サーバーがシリアルコンソールなしで起動されています',
};

export const openstackHints = { en: openstackHintsEn, ja: openstackHintsJa };
