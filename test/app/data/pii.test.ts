import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatePii, type LabelledText } from "../../../electron/app/data/evaluatePii";
import { findPii } from "../../../electron/app/data/findPii";
import { chineseIdValid, ibanValid, luhnValid, ssnValid } from "../../../electron/app/data/piiChecksums";
import { maskPiiInText } from "../../../electron/app/data/maskPii";
import { redactExamples } from "../../../electron/app/data/redactPii";
import { examplePreview } from "../../../electron/app/api/dataViews";
import type { Example } from "../../../electron/app/data/types";

const labelled: LabelledText[] = readFileSync(join(import.meta.dirname, "pii-labelled.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

/** Floors per kind on test/app/data/pii-labelled.jsonl (measured values are in the report; floors leave a little room). */
const FLOORS: Record<string, { precision: number; recall: number }> = {
  email: { precision: 0.95, recall: 0.95 },
  phone: { precision: 0.9, recall: 0.9 },
  id: { precision: 0.95, recall: 0.95 },
  bank_card: { precision: 0.95, recall: 0.95 },
  iban: { precision: 0.95, recall: 0.95 },
  medical_record: { precision: 0.9, recall: 0.9 },
  insurance: { precision: 0.9, recall: 0.9 },
  dob: { precision: 0.9, recall: 0.9 },
  address: { precision: 0.9, recall: 0.9 },
  name: { precision: 0.9, recall: 0.8 },
};

describe("personal-data detection", () => {
  it("meets the precision and recall floors per kind on the labelled set", () => {
    expect(labelled.length).toBeGreaterThanOrEqual(100);
    const { perKind } = evaluatePii(labelled);
    console.log(perKind.map((k) => `${k.kind}: P ${k.precision.toFixed(2)} R ${k.recall.toFixed(2)} (tp ${k.truePositives}, fp ${k.falsePositives}, fn ${k.falseNegatives})`).join("\n"));
    for (const k of perKind) {
      expect(k.truePositives + k.falseNegatives, k.kind).toBeGreaterThanOrEqual(4);
      expect(k.precision, `${k.kind} precision`).toBeGreaterThanOrEqual(FLOORS[k.kind]!.precision);
      expect(k.recall, `${k.kind} recall`).toBeGreaterThanOrEqual(FLOORS[k.kind]!.recall);
    }
  });

  it("checks checksums: Luhn, Chinese ID, SSN ranges, IBAN", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(chineseIdValid("11010519491231002X")).toBe(true);
    expect(chineseIdValid("110105194912310021")).toBe(false);
    expect(chineseIdValid("110105194902300021")).toBe(false); // 30 February
    expect(ssnValid("123-45-6789")).toBe(true);
    expect(ssnValid("666-45-6789")).toBe(false);
    expect(ibanValid("GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(ibanValid("GB82 WEST 1234 5698 7654 33")).toBe(false);
  });

  it("does not flag order numbers failing Luhn, invalid ID checksums, or dates that are not birth dates", () => {
    expect(findPii("Order 4111 1111 1111 1112 shipped on 2024-05-03.")).toEqual([]);
    expect(findPii("例如110105194912310021格式，会议定于2023-11-08召开。")).toEqual([]);
  });

  it("redacts by placeholder or consistent pseudonym per kind, and counts", () => {
    const ex: Example[] = [
      { id: "a", kind: "chat", messages: [{ role: "user", content: "Mr. John Smith, mail john@x.org" }, { role: "assistant", content: "Dear Mr. John Smith, call 13812345678." }], source: { file: "f", line: 1 } },
      { id: "b", kind: "document", text: "患者王芳今天复诊，Mr. John Smith 陪同。", source: { file: "g", chunk: 0 } },
    ];
    const r = redactExamples(ex, { name: "pseudonym", email: "placeholder", phone: "placeholder" });
    expect(r.examples[0]!.messages![0]!.content).toBe("Mr. Alex Morgan, mail [EMAIL]");
    expect(r.examples[0]!.messages![1]!.content).toBe("Dear Mr. Alex Morgan, call [PHONE].");
    expect(r.examples[1]!.text).toBe("患者陈一今天复诊，Mr. Alex Morgan 陪同。");
    expect(r.counts).toEqual({ name: 4, email: 1, phone: 1 });
  });

  it("masks personal data in the preview the data step shows, and keeps the rest of the text", () => {
    expect(maskPiiInText("Mail jane.doe@example.com or call 020-7946-0958.")).toBe("Mail ja****************om or call 02*********58.");
    const e: Example = {
      id: "x",
      kind: "chat",
      messages: [
        { role: "user", content: "Is Wang Fang's number 13812345678?" },
        { role: "assistant", content: "Yes, and her e-mail is wf@clinic.example.org." },
      ],
      source: { file: "a.jsonl", line: 1 },
    };
    const shown = JSON.stringify(examplePreview(e));
    for (const secret of ["Wang Fang", "13812345678", "wf@clinic.example.org"]) expect(shown).not.toContain(secret);
    expect(shown).toContain("Is Wa*****ng's number 13*******78?");
    expect(e.messages![0]!.content).toBe("Is Wang Fang's number 13812345678?"); // the example itself is untouched
  });
});

