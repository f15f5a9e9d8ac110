// The transport's host pool with every Host wrapped by the fault controller; test files load it with
// `jest.mock("../../provider/transport/connect", () => jest.requireActual("./mock-connect"))`.

import type * as Connect from "../../provider/transport/connect";
import { faults } from "./fault-host";

const actual = jest.requireActual<typeof Connect>("../../provider/transport/connect");

/** The real pool (every export kept), with each Host it hands out wrapped (the same wrapper for the same Host). */
const mocked: typeof Connect = { ...actual, hostFor: (config) => faults.wrap(actual.hostFor(config)) };
export = mocked;
