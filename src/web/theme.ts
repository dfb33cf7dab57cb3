// Mantine theme tuned for WCAG AA contrast. Mantine's defaults put several texts below 4.5:1
// on white or on their tinted backgrounds (blue buttons, dimmed text, error text, green and
// red "light" badges/buttons, especially when hovered), so we use darker shades.
import {
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  Menu,
  NativeSelect,
  Notification,
  TextInput,
} from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  // Show the focus ring for keyboard users only, but always for them.
  focusRing: 'auto',
  // Transitions (the phone menu sliding in, modals, collapses) are off for people who ask for less motion.
  respectReducedMotion: true,
  defaultRadius: 'md',
  components: {
    // Every field in our forms is required (forms say so), and the "*" would otherwise be
    // part of each label's text, e.g. "Password *".
    TextInput: TextInput.extend({ defaultProps: { withAsterisk: false } }),
    NativeSelect: NativeSelect.extend({ defaultProps: { withAsterisk: false } }),
    // Mantine's close button has no accessible name by default.
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
    }),
    Menu: Menu.extend({
      defaultProps: {
        // Rendered inside the header, the open menu stays within a landmark.
        withinPortal: false,
        // Its focus placeholder (role=presentation) is not a valid child of role=menu.
        withInitialFocusPlaceholder: false,
        transitionProps: { duration: 0 },
      },
    }),
  },
});

// "light" variants: the palest shade as background and the next one on hover, so that the
// text (shade 9) keeps at least 4.5:1 in both states.
const lightVariants: Record<string, string> = {};
for (const color of Object.keys(DEFAULT_THEME.colors)) {
  lightVariants[`--mantine-color-${color}-light`] = `var(--mantine-color-${color}-0)`;
  lightVariants[`--mantine-color-${color}-light-hover`] = `var(--mantine-color-${color}-1)`;
}

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    ...lightVariants,
    // Mantine's green.9 and red.9 are too light on their own tints.
    '--mantine-color-green-light-color': '#237032',
    '--mantine-color-red-light-color': '#a61e1e',
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
  },
  dark: {},
});
