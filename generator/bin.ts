#!/usr/bin/env node
/** The `rulecat` executable. */
import { runProcess } from './cli.js';

void runProcess();
