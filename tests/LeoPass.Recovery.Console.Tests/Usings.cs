global using Bunit;
global using Xunit;
