'use client';

import { useState } from 'react';
import type { OperatorCommand } from '../../lib/operator-commands';

/**
 * The command that acts on what a widget shows (the dashboard itself changes nothing), with a copy
 * button. Renders nothing without a command.
 */
export function CommandHint({ command }: { command: OperatorCommand | null }) {
  const [copied, setCopied] = useState(false);
  if (command === null) return null;
  const copy = () => {
    void navigator.clipboard?.writeText(command.command).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="command-hint">
      <code data-testid="operator-command">{command.command}</code>
      <button type="button" className="command-copy" onClick={copy} aria-label={`copy: ${command.command}`}>
        {copied ? 'copied' : 'copy'}
      </button>
      <span className="muted small">{command.purpose}</span>
    </div>
  );
}
