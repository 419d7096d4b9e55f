"""Raw CRM and MAS tables: the contract, the synthetic generator and the file loader."""
