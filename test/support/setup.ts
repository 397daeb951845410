import { afterAll } from 'vitest';
import { closeOpenStorages } from './open-storages.js';

// Runs before each test file (vitest setupFiles): the PostgreSQL pools a file left open are closed at its end.
afterAll(closeOpenStorages);
