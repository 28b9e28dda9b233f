import { create } from 'zustand';
import type { JoinMode } from './devicePrefs';

/** What the pre-join check decided, handed to the meeting room. */
export interface JoinChoice {
  meetingId: string;
  mode: JoinMode;
  micId?: string;
  cameraId?: string;
}

interface JoinChoiceState {
  choice: JoinChoice | null;
  set(choice: JoinChoice | null): void;
}

export const useJoinChoice = create<JoinChoiceState>((set) => ({
  choice: null,
  set: (choice) => set({ choice }),
}));
