// chaud's log lines may quote a file (a code frame): whatever bytes it holds must not drive the terminal.

import { printable } from "../../runtime/logger";

test("control characters are shown as \\xNN; newlines, tabs and colors stay", () => {
  expect(printable("a\u0000b\u0007c\rd\u007fe\u009bf")).toBe("a\\x00b\\x07c\\x0dd\\x7fe\\x9bf");
  expect(printable("line one\n\tline two")).toBe("line one\n\tline two");
  expect(printable("\u001b[31mred\u001b[0m")).toBe("\u001b[31mred\u001b[0m");
  expect(printable("\u001b]0;title\u0007")).toBe("\\x1b]0;title\\x07");
});
