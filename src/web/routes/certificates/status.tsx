// A certificate's status as a badge with words (never colour alone).
import { Badge } from '@mantine/core';
import type { CertificateStatus } from '../../../shared/certificates.ts';

// Dark enough for white badge text at its small size (WCAG AA, ≥ 4.5:1).
const LOOK: Record<CertificateStatus, { colour: string; label: string }> = {
  valid: { colour: '#1b5e20', label: 'Valid' },
  expired: { colour: '#8a4b00', label: 'Expired' },
  revoked: { colour: '#a61b1b', label: 'Revoked' },
};

export function CertificateStatusBadge({
  status,
  size = 'md',
}: {
  status: CertificateStatus;
  size?: 'md' | 'lg' | 'xl';
}) {
  const { colour, label } = LOOK[status];
  return (
    // Never squeezed by a long heading beside it (the word must stay whole).
    <Badge color={colour} variant="filled" size={size} style={{ flexShrink: 0 }}>
      {label}
    </Badge>
  );
}
