import { useCallback, useState } from "react";
import type { TrainingMode, TrainSettings } from "../../../electron/contract/dto";

export interface RunChoice {
  mode: TrainingMode;
  overrides: Partial<TrainSettings>;
  accepted: boolean;
}

const key = (projectId: string) => `loraStudio.runChoice.${projectId}`;
const DEFAULT: RunChoice = { mode: "balanced", overrides: {}, accepted: false };

/** The training choice made in Settings and used by Train (kept per project across reloads until a run starts). */
export function useRunChoice(projectId: string): [RunChoice, (c: RunChoice) => void] {
  const [choice, setChoice] = useState<RunChoice>(() => {
    try {
      const raw = localStorage.getItem(key(projectId));
      return raw ? { ...DEFAULT, ...(JSON.parse(raw) as Partial<RunChoice>) } : DEFAULT;
    } catch {
      return DEFAULT;
    }
  });
  const save = useCallback(
    (c: RunChoice) => {
      localStorage.setItem(key(projectId), JSON.stringify(c));
      setChoice(c);
    },
    [projectId],
  );
  return [choice, save];
}
