import { Framebuffer } from './framebuffer.js';
import { RfbConnection, type RfbTarget, type UpdateEvent } from './rfb-connection.js';
import { extendedKeyEvent, keyEvent } from './rfb-messages.js';

export interface RfbCounters {
  updates: number;
  bytesReceived: number;
  keyEvents: number;
  refreshes: number;
  reconnects: number;
}

export type UpdateListener = (event: UpdateEvent) => void;

/** How long a forced refresh may go unanswered before the connection counts as stalled. */
const STALL_MS = 2000;

/**
 * A VNC client that outlives its connections: the framebuffer, LED state and listeners stay when a
 * stalled or dropped connection is replaced (openQA's rule: force a refresh after 2 s, reconnect
 * after ~4 s).
 */
export class RfbClient {
  readonly fb = new Framebuffer(0, 0);
  readonly counters: RfbCounters = {
    updates: 0,
    bytesReceived: 0,
    keyEvents: 0,
    refreshes: 0,
    reconnects: 0,
  };
  /** LED bits (1 scroll, 2 num, 4 caps) once the server reported them. */
  leds: number | undefined;
  extendedKeys = false;
  lastUpdateAt = 0;
  /** Raw pixels received since the last resize: once it covers the screen, the framebuffer is real. */
  private paintedArea = 0;
  private conn!: RfbConnection;
  private listeners = new Set<UpdateListener>();
  private closeListeners = new Set<(reason: string) => void>();
  private closing = false;
  private updateWaiters: Array<() => void> = [];

  private constructor(private readonly target: RfbTarget) {}

  static async connect(target: RfbTarget): Promise<RfbClient> {
    const client = new RfbClient(target);
    await client.open();
    try {
      await client.nextUpdate(target.connectTimeoutMs ?? 15_000);
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  get name(): string {
    return this.conn.name;
  }

  get version(): string {
    return this.conn.version;
  }

  get closed(): boolean {
    return this.closing || this.conn.isClosed;
  }

  onUpdate(listener: UpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** One key transition; with QEMU's extension the scancode goes straight to the guest. */
  key(down: boolean, keysym: number, scancode?: number): void {
    this.counters.keyEvents++;
    this.conn.send(
      this.extendedKeys && scancode !== undefined
        ? extendedKeyEvent(down, keysym, scancode)
        : keyEvent(down, keysym),
    );
  }

  /** Resolves at the next completed framebuffer update (rejects after timeoutMs). */
  nextUpdate(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.updateWaiters = this.updateWaiters.filter((w) => w !== done);
        reject(new Error(`no framebuffer update within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.updateWaiters.push(done);
    });
  }

  /**
   * Resolves once the whole framebuffer has been painted (QEMU's first update may hold only
   * pseudo-rectangles, and a screen read before the pixels arrive is blank).
   */
  async whenPainted(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.paintedArea < this.fb.width * this.fb.height || this.fb.width === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the VNC screen was not painted within ${timeoutMs} ms`);
      await this.nextUpdate(left);
    }
  }

  /**
   * Proves the server still answers: a forced (non-incremental) update of the whole screen; if two
   * in a row go unanswered, or the connection is gone, connect again.
   */
  async refresh(): Promise<void> {
    for (let attempt = 0; attempt < 2 && !this.conn.isClosed; attempt++) {
      this.counters.refreshes++;
      const answered = this.nextUpdate(STALL_MS).then(
        () => true,
        () => false,
      );
      this.conn.requestUpdate(false);
      if (await answered) return;
    }
    await this.reconnect();
  }

  async reconnect(): Promise<void> {
    if (this.closing) throw new Error('the VNC client is closed');
    this.conn.close();
    this.counters.reconnects++;
    await this.open();
    await this.nextUpdate(this.target.connectTimeoutMs ?? 15_000);
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.conn.close();
  }

  private async open(): Promise<void> {
    this.extendedKeys = false;
    const holder: { conn?: RfbConnection } = {};
    const conn = await RfbConnection.open(this.target, this.fb, {
      onUpdate: (event) => this.updated(event),
      onLeds: (leds) => (this.leds = leds),
      onExtendedKeys: () => (this.extendedKeys = true),
      onBytes: (n) => (this.counters.bytesReceived += n),
      onClose: (reason) => {
        // A dropped connection is only final when we closed it; otherwise refresh() reconnects.
        if (holder.conn !== undefined && holder.conn === this.conn && this.closing)
          for (const l of this.closeListeners) l(reason);
      },
    });
    holder.conn = conn;
    this.conn = conn;
  }

  private updated(event: UpdateEvent): void {
    this.counters.updates++;
    this.lastUpdateAt = Date.now();
    if (event.resized) this.paintedArea = 0;
    this.paintedArea += event.rawArea;
    const waiters = this.updateWaiters;
    this.updateWaiters = [];
    for (const w of waiters) w();
    for (const l of this.listeners) l(event);
  }
}
