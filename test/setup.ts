// Runs in every test file: whatever temporary directories the file made go when it ends.
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/temp.ts';

afterAll(removeTempDirs);
