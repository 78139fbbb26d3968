/** The plan schema's part for approvals (kept in PLAN_SCHEMA's properties). */
export const APPROVAL_PROPERTIES = {
  createdByPrincipal: { type: "string", minLength: 1 },
  expiresAt: { type: "string", format: "date-time" },
  approvals: {
    type: "array",
    items: {
      type: "object",
      required: ["principal", "fingerprint", "signature", "time"],
      properties: {
        principal: { type: "string", minLength: 1 },
        fingerprint: { type: "string", pattern: "^SHA256:[A-Za-z0-9+/=]+$" },
        signature: { type: "string", pattern: "-----BEGIN SSH SIGNATURE-----" },
        time: { type: "string" },
      },
    },
  },
} as const;
