import { create } from 'zustand';
import type { JoinMode } from './devicePrefs';
import type { MeasuredLink } from './linkMemory';

/** What the pre-join check decided, handed to the meeting room. */
export interface JoinChoice {
  meetingId: string;
  mode: JoinMode;
  micId?: string;
  cameraId?: string;
  /** The link as measured before the click (pre-join test, the banner's quick test). */
  measured?: MeasuredLink;
}

interface JoinChoiceState {
  choice: JoinChoice | null;
  set(choice: JoinChoice | null): void;
}

export const useJoinChoice = create<JoinChoiceState>((set) => ({
  choice: null,
  set: (choice) => set({ choice }),
}));
