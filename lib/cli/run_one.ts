/**
 * `deno task run-one JOB`: train one planned run without the database and write its run record.
 * See `lib/sweep/run_one_main.ts` and `--help`.
 *
 * @module
 */
import { main } from "../sweep/run_one_main.ts";

export { main };

if (import.meta.main) Deno.exit(await main(Deno.args));
