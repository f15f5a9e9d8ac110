// Replaced by the tests with the output of `pulumi-zmgr discover` (a table in comments, then the code).
import * as zmgr from "pulumi-zmgr";

export const placeholder: typeof zmgr.Zone = zmgr.Zone;
