using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LeoPass.Recovery.Backup.Catalogue.Migrations
{
    /// <inheritdoc />
    public partial class InitialCatalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "catalogue");

            migrationBuilder.CreateTable(
                name: "backups",
                schema: "catalogue",
                columns: table => new
                {
                    key = table.Column<string>(type: "text", nullable: false),
                    snapshot_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    snapshot_ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    database_name = table.Column<string>(type: "text", nullable: false),
                    stored_bytes = table.Column<long>(type: "bigint", nullable: false),
                    dump_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    e_tag = table.Column<string>(type: "text", nullable: true),
                    upload_verification = table.Column<string>(type: "text", nullable: false),
                    compression = table.Column<string>(type: "text", nullable: false),
                    recipient_fingerprint = table.Column<string>(type: "text", nullable: false),
                    manifest_json = table.Column<string>(type: "jsonb", nullable: false),
                    last_verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_verify_result = table.Column<string>(type: "text", nullable: true),
                    pruned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backups", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "pending_uploads",
                schema: "catalogue",
                columns: table => new
                {
                    upload_id = table.Column<string>(type: "text", nullable: false),
                    key = table.Column<string>(type: "text", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pending_uploads", x => x.upload_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_backups_snapshot_started_at",
                schema: "catalogue",
                table: "backups",
                column: "snapshot_started_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "backups",
                schema: "catalogue");

            migrationBuilder.DropTable(
                name: "pending_uploads",
                schema: "catalogue");
        }
    }
}
