import { parse, format } from "@bgotink/kdl";
import { Address4 } from "ip-address";

test("kdl round trip", () => {
  const src = 'pool "lan" {\n    network "10.0.0.0/24" // c\n}\n';
  expect(format(parse(src))).toBe(src);
  expect(new Address4("10.0.0.0/24").isCorrect()).toBe(true);
});
