// How many voicemail messages wait to be handled (the dashboard's figure), for the badge on the top bar's
// Voicemail link: asked every minute while the page is seen, when it is seen again, and after the inbox changes.
import { useEffect } from "react";
import { create } from "zustand";
import { api } from "../api";

const EVERY_MS = 60_000;

interface WaitingState {
  waiting: number | null;
  refresh(): void;
}

export const useWaiting = create<WaitingState>()((set) => ({
  waiting: null,
  refresh: () => {
    api.dashboard().then(
      (board) => set({ waiting: board.voicemail_waiting }),
      () => undefined, // the badge keeps its last count; the pages say what went wrong
    );
  },
}));

/** Keep the count fresh while someone is logged in. */
export function useWaitingMessages(loggedIn: boolean) {
  useEffect(() => {
    if (!loggedIn) {
      useWaiting.setState({ waiting: null });
      return;
    }
    const refresh = () => document.visibilityState === "visible" && useWaiting.getState().refresh();
    refresh();
    const timer = window.setInterval(refresh, EVERY_MS);
    document.addEventListener("visibilitychange", refresh);
    window.addEventListener("focus", refresh);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", refresh);
      window.removeEventListener("focus", refresh);
    };
  }, [loggedIn]);
}
