#!/usr/bin/env node
/** The `rulecat` executable. */
import { runProcess } from './cli/program.js';

void runProcess();
