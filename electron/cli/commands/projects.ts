import { UsageError, type Command } from "../Command";
import { optionalString } from "../args";
import { markInterruptedRuns } from "../../app/store/markInterruptedRuns";
import { openStore } from "../../app/store/openStore";
import { createProject, deleteProject, listProjects, type Project } from "../../app/store/projects";
import { listRuns } from "../../app/store/runs";
import { importRunFolders, type ImportResult } from "../../app/store/importRunFolders";
import { resolveHome, storePath } from "../../app/store/resolveHome";

type Result = { home: string; projects: (Project & { runs: number })[] } | { home: string; project: Project } | { home: string; deleted: string } | { home: string; imported: ImportResult };

export const projectsCommand: Command<Result> = {
  name: "projects",
  summary: "list, create, delete projects; import them back from run folders",
  usage: [
    "lora-studio projects [list] [--home DIR] [--json]",
    "lora-studio projects create --name NAME [--domain TEXT] [--language en|zh] [--home DIR] [--json]",
    "lora-studio projects delete --id ID [--home DIR] [--json]",
    "lora-studio projects import RUN_DIR... [--id PROJECT_ID | --name NAME] [--home DIR] [--json]",
    "",
    "  import       rebuilds projects, datasets, runs, metrics and evaluations from training run folders (e.g. after",
    "               a damaged database was set aside); folders without the app's project.json go to --id, else to a",
    "               project named --name (default \"Imported runs\"); importing a folder again updates it",
    "",
    "  --home DIR   data folder (default LORA_STUDIO_HOME, else the app's data folder)",
  ].join("\n"),
  options: { home: { type: "string" }, name: { type: "string" }, domain: { type: "string" }, language: { type: "string" }, id: { type: "string" } },
  allowPositionals: true,
  async run(args) {
    const [action = "list", ...extra] = args.positionals;
    if (extra.length && action !== "import") throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
    const homeOption = optionalString(args, "home");
    const home = resolveHome(homeOption ? { home: homeOption } : {});
    const db = openStore(storePath(home));
    try {
      markInterruptedRuns(db);
      switch (action) {
        case "list":
          return { home, projects: listProjects(db).map((p) => ({ ...p, runs: listRuns(db, { projectId: p.id }).length })) };
        case "create": {
          const name = optionalString(args, "name");
          if (!name) throw new UsageError("missing --name (the project's name)");
          const domain = optionalString(args, "domain");
          const language = optionalString(args, "language");
          return { home, project: createProject(db, { name, ...(domain ? { domain } : {}), ...(language ? { language } : {}) }) };
        }
        case "delete": {
          const id = optionalString(args, "id");
          if (!id) throw new UsageError("missing --id (see `lora-studio projects list`)");
          deleteProject(db, id);
          return { home, deleted: id };
        }
        case "import": {
          if (extra.length === 0) throw new UsageError("missing RUN_DIR: give one or more training run folders (each holding run.json)");
          const id = optionalString(args, "id");
          const name = optionalString(args, "name");
          return { home, imported: await importRunFolders(db, extra, { ...(id ? { projectId: id } : {}), ...(name ? { projectName: name } : {}) }) };
        }
        default:
          throw new UsageError(`unknown action "${action}"; use list, create, delete or import`);
      }
    } finally {
      db.close();
    }
  },
  format(r) {
    if ("imported" in r) {
      const { runs, projects, skipped } = r.imported;
      const lines = runs.map((x) => `${x.created ? "imported" : "updated"} ${x.dir} -> project ${projects.find((p) => p.id === x.projectId)?.name ?? x.projectId} (run ${x.runId}${x.examples ? `, ${x.examples} examples` : ""}${x.evaluation ? ", evaluation" : ""})`);
      for (const s of skipped) lines.push(`skipped ${s.dir}: ${s.reason}`);
      return lines.join("\n") || "nothing to import";
    }
    if ("projects" in r) return r.projects.length ? r.projects.map((p) => `${p.id}  ${p.name}${p.domain ? ` (${p.domain})` : ""}  ${p.runs} runs`).join("\n") : `no projects yet in ${r.home}; create one with \`lora-studio projects create --name NAME\``;
    if ("project" in r) return `created ${r.project.id}  ${r.project.name}`;
    return `deleted ${r.deleted}`;
  },
};
