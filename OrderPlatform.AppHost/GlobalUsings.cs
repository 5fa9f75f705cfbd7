global using Aspire.Hosting.LocalProcesses;
