// The bundled examples of examples/load/ (read at build time, one source with the command line's): the hotline's
// caller mix and its Monday profile. The service takes a mix as JSON and a profile as CSV text; it reads no
// example files of its own.
import hotlineCallers from "../../../examples/load/hotline-callers.yaml?raw";
import hotlineMonday from "../../../examples/load/hotline-monday.csv?raw";

/** The flow the examples were written for. */
export const EXAMPLE_FLOW = "hotline_12345";
export const EXAMPLE_CALLERS = hotlineCallers;
export const EXAMPLE_PROFILE = hotlineMonday;
/** The Monday the profile was written for (docs/capacity.md's worked example). */
export const EXAMPLE_MONDAY = "2026-11-23";
