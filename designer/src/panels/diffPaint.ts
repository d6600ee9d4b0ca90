// Reads the service's semantic diff (FlowDiff JSON) into what the canvas paints: a status per node, prompt text
// changes old -> new, the test cases whose calls change. Tolerant of the shape: nodes as a list or a map.
import type { Json, NodeDiffStatus } from "../model/types";
import type { DiffPaint } from "../store/overlay";

const STATUSES = new Set(["added", "removed", "changed", "rewired", "renamed", "moved"]);

type Obj = Record<string, Json>;
const isObj = (v: Json | undefined): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

export function readDiff(from: string, to: string, diff: Obj, cases: Json[]): DiffPaint {
  const nodes: Record<string, NodeDiffStatus> = {};
  const removed: string[] = [];
  const record = (id: string, status: string) => {
    if (!STATUSES.has(status)) return;
    if (status === "removed") removed.push(id);
    else if (!nodes[id] || nodes[id] === "moved") nodes[id] = status as NodeDiffStatus;
  };
  const list = diff.nodes;
  if (Array.isArray(list)) {
    for (const item of list) {
      if (!isObj(item)) continue;
      const id = String(item.id ?? item.node ?? item.to_id ?? item.new_id ?? "");
      const status = String(item.status ?? item.change ?? "");
      const renamedTo = item.new_id ?? item.to;
      record(status === "renamed" && typeof renamedTo === "string" ? renamedTo : id, status);
    }
  } else if (isObj(list)) {
    for (const [id, item] of Object.entries(list)) record(id, typeof item === "string" ? item : String((isObj(item) && item.status) || ""));
  }
  for (const status of STATUSES) {
    const ids = diff[status];
    if (Array.isArray(ids)) for (const id of ids) if (typeof id === "string") record(id, status);
  }
  const prompts: DiffPaint["prompts"] = {};
  const promptChanges = diff.prompts;
  const addPrompt = (id: string, language: string, old: Json | undefined, now: Json | undefined) => {
    prompts[id] ??= {};
    prompts[id][language] = [typeof old === "string" ? old : null, typeof now === "string" ? now : null];
  };
  if (Array.isArray(promptChanges)) {
    for (const change of promptChanges) {
      if (!isObj(change)) continue;
      addPrompt(String(change.id ?? change.prompt ?? ""), String(change.language ?? change.lang ?? ""), change.old ?? change.before, change.new ?? change.after);
    }
  } else if (isObj(promptChanges)) {
    for (const [id, byLanguage] of Object.entries(promptChanges)) {
      if (!isObj(byLanguage)) continue;
      for (const [language, change] of Object.entries(byLanguage)) {
        if (Array.isArray(change)) addPrompt(id, language, change[0], change[1]);
        else if (isObj(change)) addPrompt(id, language, change.old ?? change.before, change.new ?? change.after);
      }
    }
  }
  const caseNames = cases.map((c) => (isObj(c) ? String(c.name ?? c.case ?? JSON.stringify(c)) : String(c)));
  return { from, to, nodes, prompts, removed, cases: caseNames };
}
