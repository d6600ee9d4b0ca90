// Pages by the address's hash: #/flows, #/flows/NAME (#/flows/NAME/traffic/JOB: with a capacity job's traffic
// painted; #/flows/NAME/heatmap: with the call records' heat map), #/flows/NAME/capacity[/JOB], #/environment, #/files, #/voicemail, #/dashboard, #/reports/NAME, #/login.
import { useSyncExternalStore } from "react";

export type Route =
  | { page: "login" }
  | { page: "flows" }
  | { page: "flow"; name: string; traffic?: string; heatmap?: boolean }
  | { page: "capacity"; name: string; job?: string }
  | { page: "environment" }
  | { page: "files" }
  | { page: "voicemail" }
  | { page: "dashboard" }
  | { page: "reports"; name: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "flows" && parts[1] && parts[2] === "capacity") return { page: "capacity", name: parts[1], job: parts[3] };
  if (parts[0] === "flows" && parts[1] && parts[2] === "traffic" && parts[3]) return { page: "flow", name: parts[1], traffic: parts[3] };
  if (parts[0] === "flows" && parts[1] && parts[2] === "heatmap") return { page: "flow", name: parts[1], heatmap: true };
  if (parts[0] === "flows" && parts[1]) return { page: "flow", name: parts[1] };
  if (parts[0] === "environment") return { page: "environment" };
  if (parts[0] === "files") return { page: "files" };
  if (parts[0] === "voicemail") return { page: "voicemail" };
  if (parts[0] === "dashboard") return { page: "dashboard" };
  if (parts[0] === "reports") return { page: "reports", name: parts[1] ?? "calls" };
  if (parts[0] === "login") return { page: "login" };
  return { page: "flows" };
}

const subscribe = (onChange: () => void) => {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

export function go(path: string) {
  window.location.hash = path;
}
