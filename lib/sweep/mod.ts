/**
 * The sweep runner: `ablate` (one process owns the database and schedules runs) and `run-one`
 * (one run in its own process, writing a run record), their job files, protocol, scheduler,
 * progress display and final table; training, measurement and efficiency runs alike.
 * Re-exports only.
 *
 * @module
 */
export * from "./args.ts";
export * from "./artifacts.ts";
export * from "./context.ts";
export * from "./in_worker.ts";
export * from "./job.ts";
export * from "./measure_run.ts";
export * from "./pool.ts";
export * from "./progress.ts";
export * from "./protocol.ts";
export * from "./resolve.ts";
export * from "./run_job.ts";
export * from "./run_one.ts";
export * from "./run_one_args.ts";
export * from "./settle.ts";
export * from "./signals.ts";
export * from "./summary.ts";
export * from "./sweep.ts";
export * from "./worker.ts";
