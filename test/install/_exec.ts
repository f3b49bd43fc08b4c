import { execFile } from "node:child_process";

/** What a command printed. */
export interface Output {
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; rejects with what it printed when it exits non-zero. */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} (in ${options.cwd}) failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** The pnpm that runs this test (`npx -y pnpm@9 test` says which in npm_execpath), or pnpm 9 through npx. */
export function pnpm(): [string, string[]] {
  const tool = process.env.npm_execpath;
  return tool?.includes("pnpm") ? [process.execPath, [tool]] : ["npx", ["-y", "pnpm@9"]];
}
