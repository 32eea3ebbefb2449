// HeadObject (HEAD /bucket/key): GetObject's answer without the body (./getObject.ts checks the method).
import type { Operation } from '../request.js';
import { getObject } from './getObject.js';

export const headObject: Operation = getObject;
