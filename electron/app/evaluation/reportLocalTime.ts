/**
 * A time for the report as the reader's clock shows it, with the zone named: "3 Dec 2026, 15:24 GMT+1
 * (Europe/Berlin)". The stored times are UTC (ISO 8601); an unknown zone falls back to UTC, said as such.
 */
export function reportLocalTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let zone = timeZone;
  let format: Intl.DateTimeFormat;
  try {
    format = formatter(zone);
  } catch {
    zone = "UTC";
    format = formatter(zone);
  }
  return `${format.format(date)} (${zone})`;
}

const formatter = (timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "shortOffset" });
