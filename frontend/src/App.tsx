import { EditorPage } from "./components/editor/EditorPage";
import { HomePage } from "./components/home/HomePage";
import { Button } from "./components/ui/Button";
import { EmptyState, Toaster } from "./components/ui/Feedback";
import { navigate, parseRoute, usePathname } from "./lib/router";

export function App() {
  const route = parseRoute(usePathname());
  return (
    <>
      {route.name === "home" ? <HomePage /> : null}
      {route.name === "editor" ? <EditorPage key={route.diagramId} diagramId={route.diagramId} /> : null}
      {route.name === "notFound" ? (
        <div className="full-page-state">
          <EmptyState icon="search" title="Page not found" action={<Button onClick={() => navigate("/")}>All diagrams</Button>}>
            There is nothing at this address.
          </EmptyState>
        </div>
      ) : null}
      <Toaster />
    </>
  );
}
