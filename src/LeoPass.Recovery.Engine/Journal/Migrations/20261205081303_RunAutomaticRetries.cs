using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LeoPass.Recovery.Engine.Journal.Migrations
{
    /// <inheritdoc />
    public partial class RunAutomaticRetries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "automatic_retries",
                schema: "engine",
                table: "runs",
                type: "boolean",
                nullable: false,
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "automatic_retries",
                schema: "engine",
                table: "runs");
        }
    }
}
