using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LeoPass.Recovery.Backup.Catalogue.Migrations
{
    /// <inheritdoc />
    public partial class RestoreVerification : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "restore_verified_at",
                schema: "catalogue",
                table: "backups",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "restore_verified_run_id",
                schema: "catalogue",
                table: "backups",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "restore_verified_summary",
                schema: "catalogue",
                table: "backups",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "restore_verified_tables",
                schema: "catalogue",
                table: "backups",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "restore_verify_failed_at",
                schema: "catalogue",
                table: "backups",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "restore_verify_failure",
                schema: "catalogue",
                table: "backups",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "restore_verified_at",
                schema: "catalogue",
                table: "backups");

            migrationBuilder.DropColumn(
                name: "restore_verified_run_id",
                schema: "catalogue",
                table: "backups");

            migrationBuilder.DropColumn(
                name: "restore_verified_summary",
                schema: "catalogue",
                table: "backups");

            migrationBuilder.DropColumn(
                name: "restore_verified_tables",
                schema: "catalogue",
                table: "backups");

            migrationBuilder.DropColumn(
                name: "restore_verify_failed_at",
                schema: "catalogue",
                table: "backups");

            migrationBuilder.DropColumn(
                name: "restore_verify_failure",
                schema: "catalogue",
                table: "backups");
        }
    }
}
