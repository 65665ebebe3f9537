/** Files the drafting job reads as documents (the rest of the Data step's files are examples already). */
const DOCUMENT = /\.(pdf|docx|txt|md|markdown)$/i;

export function isDocumentFile(name: string): boolean {
  return DOCUMENT.test(name);
}

export function documentFiles<F extends { name: string }>(files: readonly F[]): F[] {
  return files.filter((f) => isDocumentFile(f.name));
}
