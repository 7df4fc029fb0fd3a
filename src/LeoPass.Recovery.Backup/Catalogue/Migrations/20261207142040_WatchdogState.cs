using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LeoPass.Recovery.Backup.Catalogue.Migrations
{
    /// <inheritdoc />
    public partial class WatchdogState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "watches",
                schema: "catalogue",
                columns: table => new
                {
                    watch = table.Column<string>(type: "text", nullable: false),
                    watching_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "text", nullable: false),
                    state_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    notified_state = table.Column<string>(type: "text", nullable: true),
                    notified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    checked_by = table.Column<string>(type: "text", nullable: true),
                    detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_watches", x => x.watch);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "watches",
                schema: "catalogue");
        }
    }
}
