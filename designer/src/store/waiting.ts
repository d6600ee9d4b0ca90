// How many voicemail messages wait to be handled (the dashboard's figure), for the badge on the top bar's
// Voicemail link: asked every minute while the page is seen, when it is seen again, and after the inbox changes.
import { useEffect } from "react";
import { create } from "zustand";
import { api } from "../api";
import { useWhileSeen } from "../whileSeen";

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

const refreshWaiting = () => useWaiting.getState().refresh();

/** Keep the count fresh while someone is logged in. */
export function useWaitingMessages(loggedIn: boolean) {
  useEffect(() => {
    if (loggedIn) refreshWaiting();
    else useWaiting.setState({ waiting: null });
  }, [loggedIn]);
  useWhileSeen(refreshWaiting, EVERY_MS, loggedIn);
}
