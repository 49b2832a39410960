import { useEffect } from "react";
import { create } from "zustand";
import { api } from "../api/endpoints";
import type { Me } from "../api/types";

const useMeStore = create<{ me: Me | null; loading: boolean }>(() => ({ me: null, loading: false }));

/** The signed-in user, fetched once per page load. */
export function useMe(): Me | null {
  const me = useMeStore((s) => s.me);
  useEffect(() => {
    const state = useMeStore.getState();
    if (state.me || state.loading) return;
    useMeStore.setState({ loading: true });
    api
      .me()
      .then((value) => useMeStore.setState({ me: value, loading: false }))
      .catch(() => useMeStore.setState({ loading: false }));
  }, []);
  return me;
}
