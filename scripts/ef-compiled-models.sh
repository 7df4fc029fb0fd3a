#!/usr/bin/env bash
# Regenerates the EF Core compiled models the product runs with (docs/engine.md, "Compiled models"),
# with the code EF would otherwise compile from expression trees at start-up (property accessors,
# snapshots, materialisers: `--nativeaot`):
#   src/LeoPass.Recovery.Engine/Journal/CompiledModel      EngineDbContext
#   src/LeoPass.Recovery.Backup/Catalogue/CompiledModel    CatalogueDbContext
# Run it after any change to an entity type or an OnModelCreating, with the migration that goes with
# it; CompiledModelTests fail until it has run. Needs dotnet-ef 10.0.15
# (`dotnet tool install --global dotnet-ef --version 10.0.15`); no database.
#
#   scripts/ef-compiled-models.sh
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-ef >/dev/null || die "dotnet-ef is not installed: dotnet tool install --global dotnet-ef --version 10.0.15"

regenerate() {  # regenerate PROJECT CONTEXT FOLDER
  local project="$REPO_ROOT/src/$1" context=$2 folder=$3
  log "$context: building $1 with its model taken from OnModelCreating"
  # The old compiled model stays out of this build (it may not compile against the changed entities).
  dotnet build "$project" -c Debug -nologo -v q -clp:ErrorsOnly -p:EfCompiledModelRegeneration=true
  rm -rf "${project:?}/$folder/CompiledModel"
  log "$context: writing $folder/CompiledModel"
  dotnet-ef dbcontext optimize --no-build --configuration Debug --project "$project" --startup-project "$project" \
    --nativeaot --context "$context" --output-dir "$folder/CompiledModel" --namespace "$1.$folder.CompiledModel"
  # EF Core 10.0.15's generator names the snapshot factories' parameter `source`, the same name as the
  # local it gives a property called Source (WalStreamState, DefinitionVersionRecord): the parameter
  # then hides the property and the file does not compile. The parameter is renamed; every other
  # `source` in these files is the property.
  sed -i -E -e 's/\(IInternalEntry source\)/(IInternalEntry entry)/g' \
    -e 's/\(source\.(Entity|GetCurrentValue)/(entry.\1/g' "$project/$folder"/CompiledModel/*.cs
}

regenerate LeoPass.Recovery.Engine EngineDbContext Journal
regenerate LeoPass.Recovery.Backup CatalogueDbContext Catalogue
# The next ordinary build must not reuse the regeneration build's output.
dotnet build "$REPO_ROOT/src/LeoPass.Recovery.Backup" -c Debug -nologo -v q -clp:ErrorsOnly >/dev/null
log "done: review with git diff, then build and run CompiledModelTests"
