import pino from 'pino';
import type { Logger, LogLevel } from '@fluxo/schema';

/** The app's structured logger: JSON lines on stdout, one field set per event. */
export const createAppLogger = (app: string, level: LogLevel): Logger => pino({ name: app, level, base: { app, pid: process.pid } });
