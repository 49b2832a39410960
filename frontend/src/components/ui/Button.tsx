import type { ButtonHTMLAttributes, ReactNode } from "react";
import { Icon, type UiIconName } from "./Icon";

type Variant = "primary" | "secondary" | "ghost" | "danger";

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  icon?: UiIconName | string;
  size?: "sm" | "md";
  children?: ReactNode;
}

export function Button({ variant = "secondary", icon, size = "md", children, className, type, ...rest }: ButtonProps) {
  return (
    <button
      type={type ?? "button"}
      className={`btn btn-${variant} btn-${size}${children ? "" : " btn-icon-only"}${className ? ` ${className}` : ""}`}
      {...rest}
    >
      {icon ? <Icon name={icon} size={size === "sm" ? 14 : 16} /> : null}
      {children ? <span>{children}</span> : null}
    </button>
  );
}

interface IconButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  icon: UiIconName | string;
  label: string;
  shortcut?: string;
  active?: boolean;
}

/** A toolbar button: icon only, with its name (and shortcut) as tooltip and accessible label. */
export function IconButton({ icon, label, shortcut, active, className, ...rest }: IconButtonProps) {
  return (
    <button
      type="button"
      className={`icon-btn${active ? " is-active" : ""}${className ? ` ${className}` : ""}`}
      aria-label={label}
      aria-pressed={active === undefined ? undefined : active}
      data-tooltip={shortcut ? `${label} (${shortcut})` : label}
      {...rest}
    >
      <Icon name={icon} size={17} />
    </button>
  );
}
