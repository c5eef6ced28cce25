/**
 * ELF headers for tests of the kinds' content check (elf(5)): e_ident (magic, ELFCLASS64,
 * ELFDATA2LSB, EV_CURRENT), then e_type at byte 16 (little-endian) and e_machine (EM_X86_64).
 * A real kernel core dump is made by test/helpers/kinds-fixture.ts; these are for the byte-level
 * cases (another e_type, a truncated header) and small fixtures.
 */
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

/** `size` bytes (at least 18) starting with an ELF64 little-endian header of type `type`, then zeros */
export function elfHeader(type: number, size = 64): Buffer {
  const b = Buffer.alloc(Math.max(size, 18));
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(type, 16);
  if (b.length >= 20) b.writeUInt16LE(62, 18);
  return b;
}
