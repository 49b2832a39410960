// Element ids: short, random, and matching the schema's ^[A-Za-z0-9][A-Za-z0-9_.:-]*$.
const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export function newId(prefix = "n", length = 10): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}${out}`;
}
