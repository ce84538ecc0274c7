// Runs an async job one at a time: requests that arrive during a run collapse into one more run.
// Config reloads and applies use it so a burst of changes costs at most one extra pass.

export class SerialJob {
  readonly #job: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(job: () => Promise<void>, onError: (error: unknown) => void) {
    this.#job = job;
    this.#onError = onError;
  }

  /** Starts the job, or, when it is running, asks for one more run after the current one. */
  run(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop();
  }

  /** Resolves when no run is in progress or requested. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#job();
      } catch (error) {
        this.#onError(error);
      }
    } while (this.#again);
    this.#running = undefined;
  }
}
