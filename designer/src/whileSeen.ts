// Asking the service again while a page is seen: every so often, and at once when the page is seen again (its tab
// shown, its window given the focus). For figures left open on a screen: the dashboard, the voicemail count.
import { useEffect } from "react";

export function useWhileSeen(refresh: () => void, everyMs: number, enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    const seen = () => document.visibilityState === "visible" && refresh();
    const timer = window.setInterval(seen, everyMs);
    document.addEventListener("visibilitychange", seen);
    window.addEventListener("focus", seen);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", seen);
      window.removeEventListener("focus", seen);
    };
  }, [refresh, everyMs, enabled]);
}
