import { createServer } from "node:net";
import { fail } from "./local-config.js";

/** Exits with one clear line when `port` is taken. */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "localhost", () => probe.close(() => resolve(true)));
  });
  if (!free) fail(`Port ${port} is already in use: stop the program using it, or set ${variable} to a free port.`);
}
