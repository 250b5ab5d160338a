/**
 * One byte-stream interface for every serial console path (websocket, SSH gateway, local socket/pty),
 * so the screen, expect and login layers never know how the bytes travel.
 */
export type DataListener = (chunk: Buffer) => void;
export type CloseListener = (reason: string) => void;

export interface ByteTransport {
  /** Printable, secret-free description (for errors and transcripts). */
  readonly description: string;
  readonly closed: boolean;
  write(data: Uint8Array | string): void;
  /** Bytes received before the first listener subscribes are buffered and replayed to it. */
  onData(listener: DataListener): () => void;
  /** Called once, when the remote end goes away or close() is called. */
  onClose(listener: CloseListener): () => void;
  /** Only for transports that carry a terminal size (termproxy, SSH pty); others ignore it. */
  resize(cols: number, rows: number): void;
  /** Resolves when everything written so far is sent; only transports that type slowly (VNC) have it. */
  drain?(): Promise<void>;
  /**
   * Set by consoles that show only a screen (VNC): output longer than this many rows scrolls away
   * unread, so the command runner pages it (see vnc/screen-pages.ts). Serial transports leave it unset.
   */
  readonly screenRows?: number;
  /** The screen as it is now, on screen-only consoles. */
  readScreen?(): ScreenSnapshot | undefined;
  close(): Promise<void>;
}

/** A screen read as text: one string per row; unreadable cells are U+FFFD. */
export interface ScreenSnapshot {
  rows: number;
  cols: number;
  lines: readonly string[];
}

/** Shared plumbing: listener sets, early-data buffering and a once-only close. */
export abstract class BaseTransport implements ByteTransport {
  abstract readonly description: string;
  private dataListeners = new Set<DataListener>();
  private closeListeners = new Set<CloseListener>();
  private early: Buffer[] = [];
  private closeReason: string | undefined;

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  abstract write(data: Uint8Array | string): void;
  abstract close(): Promise<void>;

  resize(_cols: number, _rows: number): void {}

  onData(listener: DataListener): () => void {
    this.dataListeners.add(listener);
    if (this.early.length > 0) {
      const early = this.early;
      this.early = [];
      for (const chunk of early) listener(chunk);
    }
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: CloseListener): () => void {
    if (this.closeReason !== undefined) {
      const reason = this.closeReason;
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  protected emitData(chunk: Buffer): void {
    if (chunk.length === 0 || this.closed) return;
    if (this.dataListeners.size === 0) {
      this.early.push(chunk);
      return;
    }
    for (const listener of [...this.dataListeners]) listener(chunk);
  }

  protected emitClose(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    for (const listener of [...this.closeListeners]) listener(reason);
    this.closeListeners.clear();
  }
}

export function toBuffer(data: Uint8Array | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}
