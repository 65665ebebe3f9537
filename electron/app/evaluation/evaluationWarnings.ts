import type { Localized } from "../data/types";
import { answerProblems } from "./answerProblems";
import type { EvalReport } from "./EvalReport";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** What the expert should look at before signing off, in both languages. */
export function evaluationWarnings(r: EvalReport, missingFiles: string[]): Localized[] {
  const w: Localized[] = [];
  const margin = r.settings.forgettingMargin;
  for (const g of r.general) {
    if (Number.isFinite(g.change) && g.change > margin) {
      w.push({
        en: `Forgetting: perplexity on general ${g.language} text rose by ${pct(g.change)} (${g.base.toFixed(2)} to ${g.tuned.toFixed(2)}), more than the ${pct(margin)} margin; the tuned model may have lost some general ability. Try fewer steps, a lower learning rate or a lower rank.`,
        zh: `遗忘：通用${g.language}文本的困惑度上升了 ${pct(g.change)}（${g.base.toFixed(2)} → ${g.tuned.toFixed(2)}），超过 ${pct(margin)} 的阈值；微调后的模型可能丢失了部分通用能力。可尝试减少训练步数、降低学习率或秩。`,
      });
    }
  }
  const hits = r.memorization.personalDataReproduced;
  if (hits.length) {
    const sample = hits.slice(0, 3).map((h) => `${h.kind} "${h.span}"`).join(", ");
    w.push({
      en: `Personal data reproduced: the tuned model's answers contain ${hits.length} personal-data value(s) from the training data (${sample}). Redact these kinds in the data and train again before handing the adapter over.`,
      zh: `个人信息泄露：微调后模型的回答中出现了训练数据里的 ${hits.length} 处个人信息（${sample}）。请在数据中对这些类型进行脱敏后重新训练，再交付适配器。`,
    });
  }
  const probes = r.memorization.probes.length;
  if (probes && r.memorization.verbatimTuned / probes > 0.5) {
    w.push({
      en: `Memorization: the tuned model continued ${r.memorization.verbatimTuned} of ${probes} training examples word for word. Fine for fixed answers; if the data holds text that must not be recited, train for fewer steps.`,
      zh: `记忆：微调后的模型逐字续写了 ${probes} 个训练样本中的 ${r.memorization.verbatimTuned} 个。若答案本应固定则无妨；若数据中有不应被复述的文本，请减少训练步数。`,
    });
  }
  const answers = [...r.task.examples.map((e) => ({ base: e.base.text, tuned: e.tuned.text })), ...r.golden];
  const a = answerProblems(answers);
  if (a.emptyTuned > 0) {
    const both = a.emptyBase > 0 ? { en: ` The base model left ${a.emptyBase} empty too.`, zh: `基座模型也有 ${a.emptyBase} 个空回答。` } : { en: "", zh: "" };
    w.push({
      en: `Empty answers: the tuned model gave no answer to ${a.emptyTuned} of ${a.answers} questions.${both.en} The scores above cannot show quality then: read the answers, and check the chat template and the maximum answer length.`,
      zh: `空回答：微调后的模型对 ${a.answers} 个问题中的 ${a.emptyTuned} 个没有作答。${both.zh}此时上面的分数无法反映质量：请阅读回答，并检查对话模板和最大回答长度。`,
    });
  }
  if (a.degenerateTuned > 0) {
    w.push({
      en: `Repetitive answers: ${a.degenerateTuned} of ${a.answers} tuned answers repeat the same few words or characters. The model may be under- or over-trained: read them before signing off.`,
      zh: `重复回答：微调后的 ${a.answers} 个回答中有 ${a.degenerateTuned} 个反复出现相同的少数字词。模型可能训练不足或过度：签字确认前请阅读这些回答。`,
    });
  }
  if (a.answers > 0 && a.sameAsBase / a.answers >= 0.5) {
    w.push({
      en: `No visible change: ${a.sameAsBase} of ${a.answers} tuned answers are word for word the base model's. The adapter may be too weak (few steps, a low learning rate) or not loaded.`,
      zh: `没有可见变化：微调后的 ${a.answers} 个回答中有 ${a.sameAsBase} 个与基座模型完全相同。适配器可能太弱（步数少、学习率低）或未被加载。`,
    });
  }
  const held = r.metrics["heldOut.loss"];
  if (held?.base != null && held.tuned != null && held.tuned > held.base) {
    w.push({
      en: `Held-out loss got worse with the adapter (${held.base.toFixed(3)} to ${held.tuned.toFixed(3)}): the tuning does not generalize to the validation examples.`,
      zh: `加载适配器后验证集损失变差（${held.base.toFixed(3)} → ${held.tuned.toFixed(3)}）：微调没有泛化到验证样本。`,
    });
  }
  const f1 = r.metrics["task.f1"];
  if (f1?.base != null && f1.tuned != null && f1.tuned < f1.base) {
    w.push({ en: `Task F1 is lower tuned than base (${f1.base.toFixed(3)} vs ${f1.tuned.toFixed(3)}).`, zh: `微调后任务 F1 低于基座模型（${f1.base.toFixed(3)} 对 ${f1.tuned.toFixed(3)}）。` });
  }
  if (r.task.source === "train") {
    w.push({
      en: "The run has no validation split, so the task metrics were measured on training examples: they show what was learned, not how it generalizes. Train with a validation split (the default 10%) to measure that.",
      zh: "本次训练没有验证集，任务指标是在训练样本上计算的：只能说明学到了什么，不能说明泛化能力。请保留验证集（默认 10%）再训练以衡量泛化。",
    });
  }
  if (missingFiles.length) {
    w.push({
      en: `The training files ${missingFiles.join(", ")} were not found, so the personal-data check could not compare with the originals before redaction.`,
      zh: `未找到训练文件 ${missingFiles.join("、")}，个人信息检查无法与脱敏前的原文比对。`,
    });
  }
  return w;
}
