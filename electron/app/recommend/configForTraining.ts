import { TrainConfigSchema, type TrainConfig } from "../../engine/training/TrainConfig";
import { recommendTrainConfig, type RecommendRequest, type Recommendation } from "./recommendTrainConfig";

/** Settings given explicitly (e.g. from the command line), before defaults: only what the user typed. */
export type ExplicitSettings = Partial<Omit<TrainConfig, "lora">> & { lora?: Partial<TrainConfig["lora"]> };

/**
 * The config `lora-studio train` (and the app's simple mode) trains: the recommendation for this machine, model and
 * data, with every explicitly given setting laid over it. Nothing given: exactly the recommendation. The result is
 * parsed with TrainConfigSchema, so an explicit value out of range fails as it would without a recommendation.
 */
export async function configForTraining(explicit: ExplicitSettings, request: RecommendRequest): Promise<{ config: TrainConfig; recommendation: Recommendation }> {
  const recommendation = await recommendTrainConfig(request);
  const base = recommendation.config;
  const config = TrainConfigSchema.parse({ ...base, ...explicit, lora: { ...base.lora, ...explicit.lora } });
  return { config, recommendation };
}
