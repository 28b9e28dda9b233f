/** The part of the `smpp` package 0.5 (farhadi/node-smpp, plain JS, no types) that GiaoBan uses. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  namespace smpp {
    /** A PDU as the package decodes it: its fields by their SMPP names. */
    interface PDU {
      command: string;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      response(options?: Record<string, unknown>): PDU;
    }

    type ResponseCallback = (pdu: PDU) => void;
    /** false: the socket is not writable (nothing sent, no callback will come). */
    type Operation = (
      options?: Record<string, unknown>,
      onResponse?: ResponseCallback,
      onSent?: ResponseCallback,
    ) => boolean;

    interface Session extends EventEmitter {
      send(pdu: PDU, onResponse?: ResponseCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
      bind_transceiver: Operation;
      submit_sm: Operation;
      deliver_sm: Operation;
      enquire_link: Operation;
      unbind: Operation;
      on(event: 'connect' | 'close', listener: () => void): this;
      on(event: 'error', listener: (err: Error) => void): this;
      on(event: string, listener: (pdu: PDU) => void): this;
    }

    interface Server extends NetServer {
      readonly sessions: Session[];
    }

    interface ConnectOptions {
      url: string;
      auto_enquire_link_period?: number;
      debug?: boolean;
    }

    const ESME_RBINDFAIL: number;

    function connect(options: ConnectOptions, listener?: (s: Session) => void): Session;
    function createServer(
      options: Record<string, unknown>,
      listener: (session: Session) => void,
    ): Server;
  }

  export = smpp;
}
