// A certificate's status as a badge with words (never colour alone).
import { Badge } from '@mantine/core';
import type { CertificateStatus } from '../../../shared/certificates.ts';

const LOOK: Record<CertificateStatus, { colour: string; label: string }> = {
  valid: { colour: 'green.9', label: 'Valid' },
  expired: { colour: 'orange.9', label: 'Expired' },
  revoked: { colour: 'red.9', label: 'Revoked' },
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
    <Badge color={colour} variant="filled" size={size}>
      {label}
    </Badge>
  );
}
