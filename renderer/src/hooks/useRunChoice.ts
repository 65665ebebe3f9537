import { useCallback, useState } from "react";
import type { TrainingMode, TrainSettings } from "../../../electron/contract/dto";

export interface RunChoice {
  mode: TrainingMode;
  overrides: Partial<TrainSettings>;
  accepted: boolean;
}

const key = (projectId: string) => `loraStudio.runChoice.${projectId}`;
const DEFAULT: RunChoice = { mode: "balanced", overrides: {}, accepted: false };

/** The stored choice of a project (the default when none, or when it cannot be read). */
export function readRunChoice(projectId: string): RunChoice {
  try {
    const raw = localStorage.getItem(key(projectId));
    return raw ? { ...DEFAULT, ...(JSON.parse(raw) as Partial<RunChoice>) } : DEFAULT;
  } catch {
    return DEFAULT;
  }
}

/** The training choice made in Settings and used by Train (kept per project across reloads until a run starts). */
export function useRunChoice(projectId: string): [RunChoice, (c: RunChoice) => void] {
  const [choice, setChoice] = useState<RunChoice>(() => readRunChoice(projectId));
  const save = useCallback(
    (c: RunChoice) => {
      localStorage.setItem(key(projectId), JSON.stringify(c));
      setChoice(c);
    },
    [projectId],
  );
  return [choice, save];
}
