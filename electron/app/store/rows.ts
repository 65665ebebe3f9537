import { randomUUID } from "node:crypto";

/** A new row id. */
export const newId = (): string => randomUUID();

/** Timestamps are ISO 8601 UTC strings. */
export const nowIso = (): string => new Date().toISOString();

/** JSON column helpers: null stays null. */
export const toJson = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
export const fromJson = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
