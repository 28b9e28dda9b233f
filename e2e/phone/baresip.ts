import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Debian's baresip as the phone of a test: in a network namespace, PCMA only,
 * its microphone a WAV file (aufile), what it hears dumped to WAV (sndfile),
 * driven over ctrl_tcp (netstring JSON commands: dial, sndcode, hangup).
 */
export class Baresip {
  readonly dir: string;
  readonly #child: ChildProcess;
  readonly #ctrl: { host: string; port: number };
  output = '';

  private constructor(dir: string, child: ChildProcess, ctrl: { host: string; port: number }) {
    this.dir = dir;
    this.#child = child;
    this.#ctrl = ctrl;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(o: {
    dir: string;
    netns: string;
    ip: string;
    /** The microphone: a WAV file (mono 8 kHz or 48 kHz s16). */
    source: string;
    /**
     * Accounts to be called at (dial-out): the number as SIP user, and whether the phone
     * answers by itself. Default: one account `phone`, answered by hand (a caller).
     */
    lines?: { user: string; autoAnswer: boolean }[];
  }): Promise<Baresip> {
    mkdirSync(path.join(o.dir, 'dump'), { recursive: true });
    const ctrlPort = 4444;
    writeFileSync(
      path.join(o.dir, 'config'),
      [
        `sip_listen\t\t${o.ip}:5060`,
        `audio_source\t\taufile,${o.source}`,
        'audio_player\t\taubridge,none',
        'audio_alert\t\taubridge,none',
        'audio_srate\t\t8000',
        'audio_channels\t\t1',
        'module_path\t\t/usr/lib/baresip/modules',
        'module\t\t\tg711.so',
        'module\t\t\taufile.so',
        'module\t\t\taubridge.so',
        'module\t\t\tsndfile.so',
        'module_app\t\taccount.so',
        'module_app\t\tmenu.so',
        'module_app\t\tctrl_tcp.so',
        `ctrl_tcp_listen\t\t${o.ip}:${ctrlPort}`,
        `snd_path\t\t${path.join(o.dir, 'dump')}`,
        'rtp_stats\t\tyes',
        '',
      ].join('\n'),
    );
    const lines = o.lines ?? [{ user: 'phone', autoAnswer: false }];
    writeFileSync(
      path.join(o.dir, 'accounts'),
      lines
        .map(
          (l) =>
            `<sip:${l.user}@${o.ip}>;regint=0;audio_codecs=PCMA/8000/1;answermode=${l.autoAnswer ? 'auto' : 'manual'}\n`,
        )
        .join(''),
    );
    const child = spawn('ip', ['netns', 'exec', o.netns, 'baresip', '-f', o.dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const b = new Baresip(o.dir, child, { host: o.ip, port: ctrlPort });
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      if (child.exitCode !== null) throw new Error(`baresip exited: ${b.output.slice(-1000)}`);
      if (await b.#reachable()) return b;
      await new Promise((r) => setTimeout(r, 100));
    }
    await b.stop();
    throw new Error(`baresip ctrl_tcp not up: ${b.output.slice(-1000)}`);
  }

  #reachable(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = net.connect(this.#ctrl.port, this.#ctrl.host, () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
  }

  /** One ctrl_tcp command (netstring-framed JSON); resolves with its response text. */
  command(command: string, params = ''): Promise<string> {
    return new Promise((resolve, reject) => {
      const json = JSON.stringify({ command, params, token: String(Date.now()) });
      const s = net.connect(this.#ctrl.port, this.#ctrl.host, () => {
        s.write(`${Buffer.byteLength(json)}:${json},`);
      });
      let got = '';
      s.on('data', (d) => {
        got += d.toString();
        if (got.includes('"response"')) {
          s.end();
          resolve(got);
        }
      });
      s.on('error', reject);
      setTimeout(() => {
        s.destroy();
        resolve(got);
      }, 3_000);
    });
  }

  /** Digits as RFC 4733 telephone-events, one at a time (each one held 150 ms). */
  async typeDigits(digits: string): Promise<void> {
    for (const d of digits) {
      await this.command('sndcode', d);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The WAV files sndfile wrote: what the phone heard ("-dec") and sent ("-enc"). */
  dumps(): string[] {
    return readdirSync(path.join(this.dir, 'dump')).map((f) => path.join(this.dir, 'dump', f));
  }

  get exited(): boolean {
    return this.#child.exitCode !== null;
  }

  /** Stops it and waits until it is gone (the next one reuses its control port). */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const gone = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill('SIGTERM');
    const t = setTimeout(() => this.#child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(t);
  }
}
